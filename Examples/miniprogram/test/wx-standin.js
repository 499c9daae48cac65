'use strict';
/**
 * A stand-in for the mini program's `wx` object, for running the client under Node:
 * - `login` and `getUserInfo` are played by the WeChat emulator's device endpoint
 *   (`POST /emulator/device/login`): a real one-time code, and `encryptedData` encrypted with the
 *   session key that code yields; every `login` rotates the session key, as WeChat does;
 * - `checkSession` succeeds after a login until `expireSession()`;
 * - `request` does real HTTP (Node's fetch) with wx.request's contract: it succeeds for every
 *   HTTP status, parses JSON bodies, and fails only when no answer arrives;
 * - storage is kept in memory (values are copied, as the real storage serialises them).
 * Every call is counted in `calls`.
 */

function createStandInWx({ emulatorURL, appID, user }) {
  const storage = new Map();
  const calls = { login: 0, getUserInfo: 0, checkSession: 0, requests: [] };
  let device = null;
  let openid = user ? user.openID : undefined;
  let sessionValid = false;

  async function post(url, body) {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`${url} answered ${response.status}: ${text}`);
    return JSON.parse(text);
  }

  const later = (fn) => setImmediate(fn);

  return {
    calls,
    storage,
    /** The emulator's answer to the last `wx.login` (code, encryptedData, phoneCode, ...). */
    get device() {
      return device;
    },
    /** WeChat's session ends (as after days without use): `checkSession` fails from now on. */
    expireSession() {
      sessionValid = false;
    },

    login({ success, fail }) {
      calls.login += 1;
      const body = { appid: appID };
      if (user) body.user = user;
      else if (openid) body.openid = openid;
      post(`${emulatorURL}/emulator/device/login`, body).then(
        (answer) => {
          device = answer;
          openid = answer.openid;
          sessionValid = true;
          success({ code: answer.code, errMsg: 'login:ok' });
        },
        (error) => fail({ errMsg: `login:fail ${error.message}` })
      );
    },

    getUserInfo({ success, fail }) {
      calls.getUserInfo += 1;
      later(() => {
        if (!device) return fail({ errMsg: 'getUserInfo:fail no login yet' });
        success({
          userInfo: JSON.parse(device.rawData),
          rawData: device.rawData,
          signature: device.signature,
          encryptedData: device.encryptedData,
          iv: device.iv,
          errMsg: 'getUserInfo:ok',
        });
      });
    },

    checkSession({ success, fail }) {
      calls.checkSession += 1;
      later(() => (sessionValid ? success({ errMsg: 'checkSession:ok' }) : fail({ errMsg: 'checkSession:fail session time out' })));
    },

    request({ url, method = 'GET', data, header = {}, timeout = 60000, success, fail }) {
      calls.requests.push({ method, url: url.replace(/^https?:\/\/[^/]+/, '') });
      const headers = Object.assign({}, header);
      let body;
      if (data !== undefined && method !== 'GET') {
        body = typeof data === 'string' ? data : JSON.stringify(data);
        if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
      }
      fetch(url, { method, headers, body, signal: AbortSignal.timeout(timeout) }).then(
        async (response) => {
          const text = await response.text();
          let parsed = text;
          try {
            parsed = JSON.parse(text);
          } catch (error) {
            /* not JSON: wx.request hands back the text */
          }
          const responseHeaders = {};
          response.headers.forEach((value, name) => {
            responseHeaders[name] = value;
          });
          success({ statusCode: response.status, data: parsed, header: responseHeaders, errMsg: 'request:ok' });
        },
        (error) => fail({ errMsg: `request:fail ${error.message}` })
      );
    },

    getStorageSync(key) {
      return storage.has(key) ? structuredClone(storage.get(key)) : '';
    },
    setStorageSync(key, value) {
      storage.set(key, structuredClone(value));
    },
    removeStorageSync(key) {
      storage.delete(key);
    },
    stopPullDownRefresh() {},
  };
}

/** A full emulated user for the device endpoint (it needs every field). */
function emulatedUser(overrides) {
  return Object.assign(
    {
      openID: `o-node-${Math.random().toString(36).slice(2)}`,
      nickName: '微信用户',
      avatarUrl: 'https://thirdwx.qlogo.cn/mmopen/vi_32/emulated/132',
      gender: 0,
      city: 'Guangzhou',
      province: 'Guangdong',
      country: 'CN',
      language: 'zh_CN',
      phoneNumber: '13800138000',
      countryCode: '86',
    },
    overrides
  );
}

module.exports = { createStandInWx, emulatedUser };
