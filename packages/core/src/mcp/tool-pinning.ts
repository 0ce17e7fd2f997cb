import { hash } from '#hash';
import { encodeBase64Url } from '../internal/bytes.js';
import { canonicalJson } from '../internal/canonical-json.js';
import { fail, ok, type Result } from '../internal/result.js';

/** A tool as an MCP server lists it (`tools/list`): structural. */
export interface McpToolDescription {
  readonly name: string;
  readonly description?: string | undefined;
  readonly inputSchema?: unknown;
}

/** Why a tool list was refused. */
export type ToolPinErrorCode = 'TOOL_DESCRIPTION_CHANGED' | 'TOOL_NOT_PINNED' | 'TOOL_LIST_INVALID';

/** Pinned hashes by tool name. */
export type ToolPins = Readonly<Record<string, string>>;

/**
 * The pin of one tool: base64url SHA-256 of the RFC 8785 canonical JSON of its name,
 * description and input schema. Undefined when the description is not JSON data.
 */
export function pinTool(tool: McpToolDescription): string | undefined {
  if (typeof tool !== 'object' || tool === null || typeof tool.name !== 'string') return undefined;
  const c = canonicalJson({
    name: tool.name,
    description: tool.description ?? '',
    inputSchema: tool.inputSchema ?? null,
  });
  return c.ok ? encodeBase64Url(hash('sha256', c.text)) : undefined;
}

/**
 * Pins a tool list (on first connection, or from a reviewed copy): the hashes to store.
 * @throws TypeError when a tool is malformed or two share a name.
 */
export function pinTools(tools: readonly McpToolDescription[]): ToolPins {
  const pins: Record<string, string> = {};
  for (const tool of tools) {
    const pin = pinTool(tool);
    if (pin === undefined || Object.hasOwn(pins, tool.name)) {
      throw new TypeError(
        'pinTools: every tool needs a unique name and a JSON description and schema',
      );
    }
    pins[tool.name] = pin;
  }
  return pins;
}

/**
 * Checks a tool list the server sends now against the pins: a tool whose name, description or
 * schema changed ("rug pull", tool poisoning after approval) is refused, and so is a tool that
 * was never pinned (unless `allowNew`). Never throws.
 *
 * @returns the tools that may be used, or the first problem with the tool names concerned.
 * @example
 * ```ts
 * const checked = checkToolPins(await client.listTools(), storedPins);
 * if (!checked.ok) throw new Error(checked.error.message); // TOOL_DESCRIPTION_CHANGED: search
 * ```
 */
export function checkToolPins(
  tools: readonly McpToolDescription[],
  pins: ToolPins,
  options?: { readonly allowNew?: boolean },
): Result<readonly McpToolDescription[], ToolPinErrorCode> & {
  readonly tools?: readonly string[];
} {
  if (!Array.isArray(tools) || tools.length > 10_000)
    return fail('TOOL_LIST_INVALID', 'The tool list is not a list of tools.');
  const changed: string[] = [];
  const unknown: string[] = [];
  const seen = new Set<string>();
  for (const tool of tools) {
    const pin = pinTool(tool);
    if (pin === undefined || seen.has(tool.name))
      return fail('TOOL_LIST_INVALID', 'A tool is malformed or listed twice.');
    seen.add(tool.name);
    if (!Object.hasOwn(pins, tool.name)) unknown.push(tool.name);
    else if (pins[tool.name] !== pin) changed.push(tool.name);
  }
  if (changed.length > 0) {
    return {
      ...fail(
        'TOOL_DESCRIPTION_CHANGED',
        `Tool description changed since it was pinned: ${changed.join(', ')}.`,
      ),
      tools: changed,
    };
  }
  if (unknown.length > 0 && !options?.allowNew) {
    return {
      ...fail('TOOL_NOT_PINNED', `Tool not pinned: ${unknown.join(', ')}.`),
      tools: unknown,
    };
  }
  return ok(tools.filter((t) => Object.hasOwn(pins, t.name) || options?.allowNew));
}
