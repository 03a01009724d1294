import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { escapePath, glob, isDynamicPattern } from 'tinyglobby';

/**
 * What a file source's `path` names, as a sorted list of absolute file paths. A plain file is
 * itself, a directory stands for the files directly in it, anything with glob syntax is expanded
 * by tinyglobby. Sorted by code unit, so `access.log.1` < `access.log.2` and runs are repeatable.
 * Called once by `once` sources and on every poll by `follow` sources.
 */
export class FileList {
  /** The absolute form of the path or pattern, also the source's name. */
  readonly pattern: string;
  readonly isPattern: boolean;

  constructor(pathOrGlob: string) {
    this.pattern = resolve(pathOrGlob);
    this.isPattern = isDynamicPattern(pathOrGlob);
  }

  async expand(): Promise<string[]> {
    let pattern = this.pattern;
    if (!this.isPattern) {
      const info = await stat(this.pattern).catch(() => undefined);
      if (info === undefined) return [];
      if (info.isFile()) return [this.pattern];
      if (!info.isDirectory()) return [];
      pattern = `${escapePath(this.pattern)}/*`;
    }
    const paths = await glob(pattern, { absolute: true, onlyFiles: true });
    return paths.sort();
  }
}
