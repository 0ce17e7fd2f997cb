import * as v from 'valibot';

/**
 * The claims jaf-sec reads for authorization, as a valibot schema: `permissions` and
 * `roles` are optional string arrays, other claims pass through. The verifier applies
 * these rules by hand on every token; spread `entries` to build a stricter schema for the
 * verifier's `claims` option.
 *
 * @example
 * ```ts
 * const claims = v.looseObject({ ...tokenClaimsSchema.entries, tenant: v.string() });
 * const verifier = createTokenVerifier({ keys, claims });
 * ```
 */
export const tokenClaimsSchema = v.looseObject({
  permissions: v.optional(v.array(v.string())),
  roles: v.optional(v.array(v.string())),
});
