import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputFileSettings } from '../config.js';
import { Settings } from './settings.js';

describe('Settings', () => {
  it('takes options over the environment over pulselog.toml', () => {
    const file = { url: 'http://file:3100', tenant: 'from-file', batchRecords: 50, labels: { team: 'ml' } };
    const env = { PULSELOG_LOKI_URL: 'http://env:3100', PULSELOG_LOKI_BATCH_RECORDS: '75' };
    const s = new Settings('loki', { url: 'http://option:3100' }, env, file);
    expect(s.text('url')).toBe('http://option:3100');
    expect(new Settings('loki', {}, env, file).text('url')).toBe('http://env:3100');
    expect(s.text('tenant')).toBe('from-file');
    expect(s.number('batchRecords', 1000)).toBe(75);
    expect(new Settings('loki', {}, {}, file).number('batchRecords', 1000)).toBe(50);
    expect(s.record('labels')).toEqual({ team: 'ml' });
  });

  it('names the setting and where to give it when a required one is missing or a number is bad', () => {
    expect(() => new Settings('splunk', {}, {}, {}).required('token')).toThrow(
      'output splunk: set options.token or PULSELOG_SPLUNK_TOKEN',
    );
    expect(() => new Settings('loki', { batchInterval: -1 }, {}, {}).number('batchInterval', 1)).toThrow(
      /batchInterval must be a positive number/,
    );
  });

  it("reads an output's table of the nearest pulselog.toml", () => {
    const project = mkdtempSync(join(tmpdir(), 'pulselog-toml-'));
    writeFileSync(
      join(project, 'pulselog.toml'),
      'level = "info"\n[outputs.elasticsearch]\nurl = "http://es:9200"\nindex = "logs-ml-prod"\n',
    );
    mkdirSync(join(project, 'src'));
    expect(outputFileSettings('elasticsearch', join(project, 'src'))).toEqual({
      url: 'http://es:9200',
      index: 'logs-ml-prod',
    });
    expect(outputFileSettings('loki', project)).toEqual({});
  });
});
