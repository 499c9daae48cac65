'use strict';
// app.js and pages/index/index.js as the mini program runs them: App() and Page() are captured,
// the page's handlers are called as WeChat would call them, and `setData` is followed.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startSampleApp } = require('./sampleapp');
const { createStandInWx, emulatedUser } = require('./wx-standin');

let server;
let wx;
let app;
let pageDefinition;

before(async () => {
  server = await startSampleApp();
  wx = createStandInWx({ emulatorURL: server.emulatorURL, appID: server.appID, user: emulatedUser({ phoneNumber: '13700001111' }) });
  require('../config').baseURL = server.url;
  Object.assign(globalThis, {
    wx,
    App: (definition) => {
      app = definition;
    },
    Page: (definition) => {
      pageDefinition = definition;
    },
    getApp: () => app,
  });
  require('../app');
  require('../pages/index/index');
  app.onLaunch();
  await app.ready;
});
after(async () => {
  await server.stop();
});

/** A page instance: the definition's methods, a copy of its data, and WeChat's setData. */
function openPage() {
  const page = Object.create(pageDefinition);
  page.data = structuredClone(pageDefinition.data);
  page.setData = (patch) => Object.assign(page.data, patch);
  return page;
}

test('onLaunch logs in once; the page shows the logged-in user', async () => {
  assert.equal(wx.calls.login, 1);
  const page = openPage();
  await page.onLoad();
  assert.equal(page.data.loading, false);
  assert.equal(page.data.error, '');
  assert.equal(page.data.user.openId, wx.device.openid);
  assert.equal(page.data.user.nickName, undefined, 'no name until the user picks one (a code-only login)');
  assert.equal(wx.calls.login, 1, 'the page reused the launch login');
});

test('the nickname input and Save store the chosen nickname', async () => {
  const page = openPage();
  await page.onLoad();
  page.onNickNameInput({ detail: { value: '  阿明  ' } });
  await page.onSaveProfile();
  assert.equal(page.data.error, '');
  assert.equal(page.data.user.nickName, '阿明');
  const reopened = openPage();
  await reopened.onLoad();
  assert.equal(reopened.data.user.nickName, '阿明', 'stored on the server');
});

test('a refused nickname shows the server\'s message', async () => {
  const page = openPage();
  await page.onLoad();
  page.onNickNameInput({ detail: { value: '长'.repeat(65) } });
  await page.onSaveProfile();
  assert.match(page.data.error, /nickName must have 1 to 64 characters/);
});

test('the phone-number button: the new API\'s code, the old API\'s encryptedData, and a refusal', async () => {
  const page = openPage();
  await page.onLoad();
  await page.onGetPhoneNumber({ detail: { code: wx.device.phoneCode, errMsg: 'getPhoneNumber:ok' } });
  assert.equal(page.data.error, '');
  assert.match(page.data.phoneNumber, /13700001111$/);

  const old = openPage();
  await old.onLoad();
  await old.onGetPhoneNumber({ detail: { encryptedData: wx.device.phoneEncryptedData, iv: wx.device.phoneIv, errMsg: 'getPhoneNumber:ok' } });
  assert.equal(old.data.error, '');
  assert.match(old.data.phoneNumber, /13700001111$/);

  const declined = openPage();
  await declined.onGetPhoneNumber({ detail: { errMsg: 'getPhoneNumber:fail user deny' } });
  assert.equal(declined.data.error, 'The phone number was not shared.');
});

test('log out: the page forgets the user, the server refuses the old token, Log in works again', async () => {
  const page = openPage();
  await page.onLoad();
  const { token } = wx.getStorageSync('miniweb.auth');
  await page.onLogout();
  assert.equal(page.data.user, null);
  const refused = await fetch(`${server.url}/user/me`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(refused.status, 401);
  const logins = wx.calls.login;
  await page.onLogin();
  assert.equal(page.data.user.nickName, '阿明', 'the same user, with the nickname they chose');
  assert.equal(wx.calls.login, logins + 1);
});
