import { escapeGoTemplateLiteral, goTemplateReference } from '../../../src/k8s/private/go-template';
import { goAvailable, renderGoTemplates } from '../eso-template';
import { HOSTILE_PASSWORD } from '../fixtures';

const LITERALS = ['plain', '{{', '}}', '{{{', '{{{{', 'a{{b}}c', '{{ .x }}', '{{- "x" -}}', '{', '}', '{ {', '`{{`', HOSTILE_PASSWORD];

test('escaping replaces every {{ with an action that prints it', () => {
  // GIVEN the literals

  // WHEN
  const escaped = LITERALS.map(escapeGoTemplateLiteral);

  // THEN
  expect(escaped).toEqual([
    'plain', '{{ "{{" }}', '}}', '{{ "{{" }}{', '{{ "{{" }}{{ "{{" }}', 'a{{ "{{" }}b}}c', '{{ "{{" }} .x }}', '{{ "{{" }}- "x" -}}',
    '{', '}', '{ {', '`{{ "{{" }}`', HOSTILE_PASSWORD.replace('{{', '{{ "{{" }}'),
  ]);
});

// The real engine: what Go's text/template makes of the escaped literals and of a reference.
(goAvailable ? test : test.skip)('Go text/template prints escaped literals as they were, and referenced values verbatim', () => {
  // GIVEN
  const templates = [...LITERALS.map(escapeGoTemplateLiteral), goTemplateReference('link0Password')];

  // WHEN
  const rendered = renderGoTemplates(templates, { link0Password: HOSTILE_PASSWORD });

  // THEN
  expect(rendered).toEqual([...LITERALS, HOSTILE_PASSWORD]);
});

(goAvailable ? test : test.skip)('the renderer is live: an unescaped literal is not printed as it was', () => {
  // GIVEN
  const templates = ['a{{ "{{" }}b', 'a{{ .x }}b'];

  // WHEN
  const rendered = renderGoTemplates(templates, { x: 'X' });

  // THEN
  expect(rendered).toEqual(['a{{b', 'aXb']);
});

(goAvailable ? test : test.skip)('the engine is bound as ESO binds it: no env or expandenv, a missing key is an error', () => {
  // GIVEN the engine

  // WHEN
  const render = (template: string) => () => renderGoTemplates([template], {});

  // THEN
  expect(render('{{ env "HOME" }}')).toThrow(/function "env" not defined/);
  expect(render('{{ expandenv "$HOME" }}')).toThrow(/function "expandenv" not defined/);
  expect(render('{{ .missing }}')).toThrow(/map has no entry for key "missing"/);
  expect(renderGoTemplates(['{{ "a b" | upper | replace " " "_" }}'], {})).toEqual(['A_B']); // sprig is there
});
