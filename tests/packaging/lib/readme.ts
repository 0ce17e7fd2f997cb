// The TypeScript examples of a README, so they can be compiled against the packed packages.

/** The bodies of the ```ts (or ```typescript) fenced blocks, in order. */
export function typescriptBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  const lines = markdown.split('\n');
  let current: string[] | undefined;
  for (const line of lines) {
    if (current === undefined) {
      if (/^```(ts|typescript)\s*$/.test(line)) current = [];
    } else if (/^```\s*$/.test(line)) {
      blocks.push(`${current.join('\n')}\n`);
      current = undefined;
    } else {
      current.push(line);
    }
  }
  return blocks;
}
