import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  platform: string;
  databaseServer: string;
  /** The database server's InnoDB buffer pool and redo log, MB (see MysqlServer.innodbSizing). */
  databaseSizing: { bufferPoolMb: number; redoLogMb: number };
}

export function machineInfo(
  databaseServer: string,
  databaseSizing: MachineInfo['databaseSizing'],
): MachineInfo {
  const cpu = cpus();
  return {
    cores: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    databaseServer,
    databaseSizing,
  };
}

export interface CommitInfo {
  commit: string;
  /** Uncommitted changes in the tree when the benchmark ran. */
  dirty: boolean;
}

export function commitInfo(): CommitInfo {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      encoding: 'utf8',
    }).trim();
    return { commit, dirty: status.length > 0 };
  } catch {
    return { commit: 'unknown', dirty: true };
  }
}
