import { escapeGoTemplateLiteral, goTemplateReference } from '../../../src/k8s/private/go-template';
import { HOSTILE_PASSWORD } from '../fixtures';
import { kubectlAvailable, renderGoTemplates } from '../go-template-renderer';

const LITERALS = ['plain', '{{', '}}', '{{{', '{{{{', 'a{{b}}c', '{{ .x }}', '{{- "x" -}}', '{', '}', '{ {', '`{{`', HOSTILE_PASSWORD];

test('escaping replaces every {{ with an action that prints it', () => {
  expect(LITERALS.map(escapeGoTemplateLiteral)).toEqual([
    'plain', '{{ "{{" }}', '}}', '{{ "{{" }}{', '{{ "{{" }}{{ "{{" }}', 'a{{ "{{" }}b}}c', '{{ "{{" }} .x }}', '{{ "{{" }}- "x" -}}',
    '{', '}', '{ {', '`{{ "{{" }}`', HOSTILE_PASSWORD.replace('{{', '{{ "{{" }}'),
  ]);
});

// The real engine: what Go's text/template makes of the escaped literals and of a reference.
(kubectlAvailable ? test : test.skip)('Go text/template prints escaped literals as they were, and referenced values verbatim', () => {
  const templates = [...LITERALS.map(escapeGoTemplateLiteral), goTemplateReference('link0Password')];
  const rendered = renderGoTemplates(templates, { link0Password: HOSTILE_PASSWORD });
  expect(rendered).toEqual([...LITERALS, HOSTILE_PASSWORD]);
});

(kubectlAvailable ? test : test.skip)('the renderer is live: an unescaped literal is not printed as it was', () => {
  expect(renderGoTemplates(['a{{ "{{" }}b', 'a{{ .x }}b'], { x: 'X' })).toEqual(['a{{b', 'aXb']);
});
