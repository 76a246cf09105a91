/**
 * Removes field defaults that the Avro specification forbids but real ZTF writer schemas carry:
 * a union default that does not match the union's first branch, such as null where null is not
 * the first branch, or 0 where it is (both occur in ZTF 3.3 files). The default only matters
 * when a reader resolves a missing field, and we always read with the writer's own schema, so
 * dropping it changes no decoded value.
 *
 * Works on a parsed schema in place and returns how many defaults it removed.
 */
export function removeInvalidUnionDefaults(schema: unknown): number {
  let removed = 0;

  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const branch of node) visit(branch);
      return;
    }
    if (node === null || typeof node !== 'object') return;

    const record = node as Record<string, unknown>;
    if (Array.isArray(record.fields)) {
      for (const field of record.fields as Record<string, unknown>[]) {
        if (isUnionWithMismatchedDefault(field)) {
          delete field.default;
          removed += 1;
        }
        visit(field.type);
      }
    }
    if (record.items !== undefined) visit(record.items);
    if (record.values !== undefined) visit(record.values);
    if (record.type !== undefined && typeof record.type === 'object') visit(record.type);
  };

  visit(schema);
  return removed;
}

function isUnionWithMismatchedDefault(field: Record<string, unknown>): boolean {
  if (!('default' in field)) return false;
  if (!Array.isArray(field.type) || field.type.length === 0) return false;
  const firstIsNull = field.type[0] === 'null';
  const defaultIsNull = field.default === null;
  return firstIsNull !== defaultIsNull;
}
