import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';

describe('cli', () => {
  it('prints help with an example', () => {
    const out = execFileSync('node', ['bin/tinyforge.js', '--help'], { encoding: 'utf8' });
    expect(out).toContain('Usage: tinyforge');
    expect(out).toContain('Example:');
  });
});
