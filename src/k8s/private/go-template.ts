/**
 * Go `text/template` (what External Secrets Operator's template engine v2 runs on every
 * `spec.target.template.data` value) treats `{{` as the start of an action; everything else, `}}` included, is
 * text. A literal is made template-safe by replacing each `{{` with an action that prints it: `{{ "{{" }}`.
 */
export function escapeGoTemplateLiteral(literal: string): string {
  return literal.split('{{').join('{{ "{{" }}');
}

/** The action that prints one value of the ExternalSecret's `spec.data` (`secretKey` must be a Go identifier). */
export function goTemplateReference(secretKey: string): string {
  return `{{ .${secretKey} }}`;
}
