import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedBuild } from '../../generator/sim/build-cache.js';
import { BUILD_DIR } from '../../generator/sim/paths.js';

describe('cachedBuild', () => {
  it('builds once, then reuses the build', async () => {
    const parts = [`cache-test ${process.pid} ${Date.now()}`];
    let builds = 0;
    const build = async (dir: string) => {
      builds++;
      mkdirSync(join(dir, 'out'), { recursive: true });
    };
    const a = await cachedBuild('cache-test', parts, build);
    const b = await cachedBuild('cache-test', parts, build);
    expect([a.built, b.built, builds]).toEqual([true, false, 1]);
    expect(a.dir).toBe(b.dir);
    expect(existsSync(join(a.dir, 'out'))).toBe(true);
    expect(readFileSync(join(a.dir, 'build.ok'), 'utf8')).toMatch(/^\d{4}-/);
    spawnSync('rm', ['-rf', a.dir]);
  });

  it('removes temp directories that a killed process left behind, not those of live processes', async () => {
    const parts = [`stale-test ${process.pid} ${Date.now()}`];
    // The directory cachedBuild will use: build once in a throw-away call to learn its name.
    let dir = '';
    await expect(
      cachedBuild('stale-test', parts, async (d) => {
        dir = d.replace(/\.tmp-.*$/, '');
        throw new Error('learn the name');
      }),
    ).rejects.toThrow('learn the name');
    const dead = spawnSync('true').pid!; // exited: its pid is free (and not reused this quickly)
    const staleDead = `${dir}.tmp-${dead}-deadbeef`;
    const liveOther = `${dir}.tmp-1-cafef00d`; // pid 1 always runs
    mkdirSync(staleDead, { recursive: true });
    mkdirSync(liveOther, { recursive: true });
    await cachedBuild('stale-test', parts, async () => {});
    expect(existsSync(staleDead)).toBe(false);
    expect(existsSync(liveOther)).toBe(true);
    expect(dir.startsWith(BUILD_DIR)).toBe(true);
    spawnSync('rm', ['-rf', liveOther, dir]);
  });
});
