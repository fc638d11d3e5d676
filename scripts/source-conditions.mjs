// A module hook for a checkout: resolves the workspace packages (@kerno/core, @kerno/node) to
// their TypeScript sources (the "kerno-source" export condition) instead of their dist/, as
// `node --conditions=kerno-source` does. bin/kerno.js registers it, with tsx, in a checkout.
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes("kerno-source") ? context.conditions : [...context.conditions, "kerno-source"];
  return nextResolve(specifier, { ...context, conditions });
}
