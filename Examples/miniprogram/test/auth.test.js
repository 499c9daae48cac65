'use strict';
// The login module (utils/auth.js) against a live SampleApp, with WeChat played by its emulator.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { startSampleApp } = require('./sampleapp');
const { createStandInWx, emulatedUser } = require('./wx-standin');
const { createAuth, AuthError } = require('../utils/auth');

let server;
before(async () => {
  server = await startSampleApp();
});
after(async () => {
  await server.stop();
});

function newDevice(options = {}) {
  return createStandInWx({ emulatorURL: server.emulatorURL, appID: server.appID, user: options.user });
}
function newAuth(wx, options = {}) {
  return createAuth(Object.assign({ baseURL: server.url, wx }, options));
}
const logins = (wx) => wx.calls.requests.filter((r) => r.url === '/user/wxlogin').length;
const statuses = (responses) => responses.map((r) => r.statusCode);

test('the first request logs in, and concurrent first requests share one login', async () => {
  const wx = newDevice();
  const auth = newAuth(wx);
  const responses = await Promise.all(Array.from({ length: 8 }, () => auth.request({ url: '/user/me' })));
  assert.deepEqual(statuses(responses), Array(8).fill(200));
  assert.equal(wx.calls.login, 1, 'one wx.login');
  assert.equal(logins(wx), 1, 'one POST /user/wxlogin');
  assert.equal(responses[0].data.userinfo.openId, wx.device.openid);
  assert.equal(auth.currentUser().openId, wx.device.openid);
  assert.ok(!JSON.stringify([...wx.storage.values()]).includes('session_key'), 'no session key on the device');
});

test('a relaunch keeps the stored token while wx.checkSession passes', async () => {
  const wx = newDevice();
  await newAuth(wx).request({ url: '/user/me' });
  const relaunched = newAuth(wx); // same storage, new run
  const responses = await Promise.all([relaunched.request({ url: '/user/me' }), relaunched.request({ url: '/user/me' })]);
  assert.deepEqual(statuses(responses), [200, 200]);
  assert.equal(wx.calls.login, 1, 'no second wx.login');
  assert.equal(wx.calls.checkSession, 1, 'checkSession asked once for both requests');
});

test('a relaunch logs in again when WeChat\'s session expired', async () => {
  const wx = newDevice();
  const first = await newAuth(wx).request({ url: '/user/me' });
  wx.expireSession();
  const again = await newAuth(wx).request({ url: '/user/me' });
  assert.equal(again.statusCode, 200);
  assert.equal(wx.calls.login, 2);
  assert.equal(again.data.userinfo.openId, first.data.userinfo.openId, 'the same user');
});

test('an expired stored token is replaced without a round trip that fails', async () => {
  const wx = newDevice();
  let clock = Date.now();
  const auth = newAuth(wx, { now: () => clock });
  await auth.request({ url: '/user/me' });
  const { expiresAt } = wx.getStorageSync('miniweb.auth');
  clock = expiresAt + 1000; // past the token's lifetime
  const response = await auth.request({ url: '/user/me' });
  assert.equal(response.statusCode, 200);
  assert.equal(wx.calls.login, 2);
  assert.equal(wx.calls.requests.filter((r) => r.url === '/user/me').length, 2, 'no request was sent with the old token');
});

test('after a 401, concurrent requests wait for one new login and are retried once', async () => {
  const wx = newDevice();
  const auth = newAuth(wx);
  await auth.request({ url: '/user/me' });
  // The server ends the session (as a logout elsewhere or a revoked token would); the device
  // still holds the token.
  const { token } = wx.getStorageSync('miniweb.auth');
  const logout = await fetch(`${server.url}/user/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  assert.equal(logout.status, 204);
  wx.calls.requests.length = 0;

  const responses = await Promise.all(Array.from({ length: 5 }, () => auth.request({ url: '/user/me' })));
  assert.deepEqual(statuses(responses), Array(5).fill(200));
  assert.equal(wx.calls.login, 2, 'exactly one new wx.login');
  assert.equal(logins(wx), 1, 'exactly one new POST /user/wxlogin');
  assert.equal(wx.calls.requests.filter((r) => r.url === '/user/me').length, 10, 'five refused, five retried');
  assert.notEqual(wx.getStorageSync('miniweb.auth').token, token);
});

test('a request refused again after the new login resolves with the 401: one retry, no loop', async () => {
  // A resource server that refuses every token (real HTTP on loopback); logins go to SampleApp.
  let seen = 0;
  const refusing = http.createServer((request, response) => {
    seen += 1;
    response.writeHead(401, { 'content-type': 'application/json' });
    response.end('{"code":401,"error":"auth_invalid","msg":"no"}');
  });
  await new Promise((resolve) => refusing.listen(0, '127.0.0.1', resolve));
  try {
    const wx = newDevice();
    const auth = newAuth(wx);
    const response = await auth.request({ url: `http://127.0.0.1:${refusing.address().port}/resource` });
    assert.equal(response.statusCode, 401);
    assert.equal(response.data.error, 'auth_invalid');
    assert.equal(seen, 2, 'sent once, retried once');
    assert.equal(wx.calls.login, 2, 'one login, one re-login');
  } finally {
    refusing.close();
  }
});

test('a failed login rejects with the server\'s error code and message, and the next one works', async () => {
  const wx = newDevice();
  const auth = newAuth(wx);
  const fault = await fetch(`${server.emulatorURL}/emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ endpoint: 'sns/jscode2session', errcode: 40029, times: 1 }),
  });
  assert.equal(fault.status, 204);
  await assert.rejects(auth.request({ url: '/user/me' }), (error) => {
    assert.ok(error instanceof AuthError);
    assert.equal(error.statusCode, 400);
    assert.equal(error.code, 'wx_code_invalid');
    assert.match(error.message, /code/i);
    return true;
  });
  const response = await auth.request({ url: '/user/me' });
  assert.equal(response.statusCode, 200);
  assert.equal(wx.calls.login, 2);
});

test('an unreachable server rejects with network_error', async () => {
  const wx = newDevice();
  const auth = createAuth({ baseURL: 'http://127.0.0.1:1', wx });
  await assert.rejects(auth.request({ url: '/user/me' }), (error) => error instanceof AuthError && error.code === 'network_error');
});

test('withUserInfo sends getUserInfo\'s encrypted data after wx.login, and the server decrypts it', async () => {
  const user = emulatedUser({ nickName: '小程序用户', unionID: 'union-node-1', gender: 2 });
  const wx = newDevice({ user });
  const auth = newAuth(wx, { withUserInfo: true });
  const me = await auth.request({ url: '/user/me' });
  assert.equal(me.statusCode, 200);
  assert.equal(me.data.userinfo.nickName, '小程序用户');
  assert.equal(me.data.userinfo.unionId, 'union-node-1');
  assert.equal(wx.calls.getUserInfo, 1);
});

test('data encrypted before a second wx.login no longer decrypts (the order the module avoids)', async () => {
  const wx = newDevice({ user: emulatedUser() });
  await new Promise((resolve, reject) => wx.login({ success: resolve, fail: reject }));
  const stale = wx.device;
  await new Promise((resolve, reject) => wx.login({ success: resolve, fail: reject }));
  const response = await fetch(`${server.url}/user/wxlogin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: wx.device.code, encryptedData: stale.encryptedData, iv: stale.iv }),
  });
  assert.equal(response.status, 400);
  assert.equal((await response.json()).error, 'wx_decrypt_failed');
});

test('logout ends the session on the server and forgets the token', async () => {
  const wx = newDevice();
  const auth = newAuth(wx);
  await auth.request({ url: '/user/me' });
  const { token } = wx.getStorageSync('miniweb.auth');
  await auth.logout();
  assert.equal(wx.getStorageSync('miniweb.auth'), '');
  const refused = await fetch(`${server.url}/user/me`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(refused.status, 401);
  assert.equal((await refused.json()).error, 'auth_invalid');
});
