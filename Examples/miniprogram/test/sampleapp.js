'use strict';
/**
 * Starts a live SampleApp in development mode (its built-in WeChat emulator plays WeChat) on free
 * ports with a throwaway SQLite database, and reads both addresses from its startup banner.
 *
 * The binary: $SAMPLEAPP_BIN, else the package's debug build (`swift build` first).
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const defaultBinary = path.resolve(__dirname, '../../../.build/debug/SampleApp');

async function startSampleApp({ extraArgs = [] } = {}) {
  const binary = process.env.SAMPLEAPP_BIN || defaultBinary;
  if (!fs.existsSync(binary)) {
    throw new Error(`No SampleApp at ${binary}: run \`swift build\` in the package first, or set SAMPLEAPP_BIN.`);
  }
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'miniweb-miniprogram-'));
  const env = Object.assign({}, process.env);
  delete env.WX_APP_SECRET; // development mode
  delete env.DATABASE_URL;
  delete env.PORT;
  const args = ['serve', '--port', '0', '--database', `sqlite://${path.join(directory, 'test.sqlite')}`, '--no-metrics', '--log-level', 'warning']
    .concat(['--login-rate', '100', '--login-burst', '1000'], extraArgs);
  const child = spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });

  const banner = await new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`SampleApp printed no banner in 30 s. stderr:\n${stderr}`)), 30000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`SampleApp exited with ${code} before it was ready. stderr:\n${stderr}`));
    });
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const api = /SampleApp listening on (http:\/\/[^\s]+)/.exec(stdout);
      const emulator = /at (http:\/\/[^\s]+) plays WeChat/.exec(stdout);
      const appID = /"appid":"([^"]+)"/.exec(stdout);
      if (api && emulator && appID) {
        clearTimeout(timer);
        resolve({ url: api[1], emulatorURL: emulator[1], appID: appID[1] });
      }
    });
  });
  child.removeAllListeners('exit');
  child.stdout.resume();

  return Object.assign(banner, {
    /** Stops the server (SIGTERM, a graceful shutdown) and removes its database. */
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(directory, { recursive: true, force: true });
    },
    /** What the server wrote to stderr so far (its log). */
    log: () => stderr,
  });
}

module.exports = { startSampleApp };
