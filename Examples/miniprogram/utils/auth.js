'use strict';
/**
 * MiniWeb login for a WeChat mini program.
 *
 *   wx.login → POST /user/wxlogin {code} → the app server's own token (never the session_key)
 *   → every request carries `Authorization: Bearer <token>`.
 *
 * - One login at a time: concurrent callers that need a login wait for the same one
 *   (single-flight), so a page that fires five requests at launch logs in once.
 * - A request answered 401 logs in again once and is retried once; if another request already
 *   logged in meanwhile, it is only retried with the new token.
 * - `wx.checkSession` (once per launch) keeps a stored token when WeChat's session is still
 *   valid, so a returning user needs no `wx.login`; when WeChat's session expired, the client
 *   logs in again so that the server holds the current session_key (needed to decrypt data the
 *   device encrypts later).
 * - `wx.login` always comes first, `wx.getUserInfo` after it: calling `wx.login` again changes
 *   the session_key, and data encrypted before that no longer decrypts (`wx_decrypt_failed`).
 *
 * Usage (app.js):
 *   const { createAuth } = require('./utils/auth');
 *   App({ auth: createAuth({ baseURL: 'https://api.example.com' }) });
 * and in a page:
 *   const res = await getApp().auth.request({ url: '/user/me' });
 */

const DEFAULT_STORAGE_KEY = 'miniweb.auth';
/** A token this close to expiry is treated as expired (milliseconds). */
const EXPIRY_MARGIN_MS = 60 * 1000;

/** A failed login: the server's stable error code and message, or a network failure. */
class AuthError extends Error {
  /**
   * @param {string} message what went wrong, for people
   * @param {{statusCode?: number, code?: string, cause?: any}} details
   */
  constructor(message, details) {
    super(message);
    this.name = 'AuthError';
    /** The HTTP status of the server's answer; 0 when no answer arrived. */
    this.statusCode = details.statusCode || 0;
    /** MiniWeb's stable error code (`wx_code_used`, `rate_limited`, ...), or `network_error`. */
    this.code = details.code || 'unknown_error';
    this.cause = details.cause;
  }
}

/** Calls a callback-style `wx` API as a promise. */
function call(wx, name, options) {
  return new Promise((resolve, reject) => {
    wx[name](Object.assign({}, options, { success: resolve, fail: reject }));
  });
}

/**
 * Creates the login client.
 * @param {object} options
 * @param {string} options.baseURL the app server, e.g. `https://api.example.com` (no trailing slash)
 * @param {object} [options.wx] the `wx` object (the global one by default; tests pass a stand-in)
 * @param {string} [options.loginPath] default `/user/wxlogin`
 * @param {string} [options.logoutPath] default `/user/logout`
 * @param {boolean} [options.withUserInfo] also send `wx.getUserInfo`'s encrypted data (default
 *   false: new mini programs get an anonymous "微信用户" profile from it, see the README)
 * @param {string} [options.storageKey] where the token is kept (`wx.setStorageSync`)
 * @param {() => number} [options.now] the clock, in milliseconds
 */
function createAuth(options) {
  const wx = options.wx || globalThis.wx;
  const baseURL = options.baseURL.replace(/\/+$/, '');
  const loginPath = options.loginPath || '/user/wxlogin';
  const logoutPath = options.logoutPath || '/user/logout';
  const storageKey = options.storageKey || DEFAULT_STORAGE_KEY;
  const withUserInfo = options.withUserInfo === true;
  const now = options.now || Date.now;

  let loginInFlight = null;
  let sessionCheck = null;
  let sessionChecked = false;
  const listeners = new Set();

  function stored() {
    try {
      const value = wx.getStorageSync(storageKey);
      return value && typeof value.token === 'string' ? value : null;
    } catch (e) {
      return null;
    }
  }

  function save(answer) {
    const entry = {
      token: answer.token,
      expiresAt: now() + (Number(answer.expiresIn) || 0) * 1000,
      user: answer.userinfo || null,
    };
    wx.setStorageSync(storageKey, entry);
    listeners.forEach((listener) => listener(entry.user));
    return entry;
  }

  function forget() {
    try {
      wx.removeStorageSync(storageKey);
    } catch (e) {
      /* nothing stored */
    }
  }

  /** `wx.request` as a promise; resolves for every HTTP status, rejects only without an answer. */
  function send(request) {
    const url = /^https?:\/\//.test(request.url) ? request.url : baseURL + request.url;
    return new Promise((resolve, reject) => {
      wx.request({
        url,
        method: request.method || 'GET',
        data: request.data,
        header: Object.assign({}, request.header),
        timeout: request.timeout,
        success: resolve,
        fail: (error) =>
          reject(new AuthError(`The request to ${request.url} failed: ${(error && error.errMsg) || 'no answer'}`, { code: 'network_error', cause: error })),
      });
    });
  }

  async function performLogin() {
    let code;
    try {
      code = (await call(wx, 'login', {})).code;
    } catch (error) {
      throw new AuthError(`wx.login failed: ${(error && error.errMsg) || 'unknown reason'}`, { code: 'wx_login_failed', cause: error });
    }
    const body = { code };
    if (withUserInfo) {
      // After wx.login: this data is encrypted with the session key that `code` yields.
      try {
        const info = await call(wx, 'getUserInfo', { withCredentials: true, lang: 'zh_CN' });
        Object.assign(body, { encryptedData: info.encryptedData, iv: info.iv, rawData: info.rawData, signature: info.signature });
      } catch (error) {
        /* optional: log in with the code alone */
      }
    }
    const response = await send({ url: loginPath, method: 'POST', data: body, header: { 'content-type': 'application/json' } });
    const answer = response.data;
    if (response.statusCode !== 200 || !answer || typeof answer.token !== 'string') {
      const code = (answer && answer.error) || 'login_failed';
      const message = (answer && answer.msg) || `Login answered HTTP ${response.statusCode}.`;
      throw new AuthError(message, { statusCode: response.statusCode, code });
    }
    sessionChecked = true;
    return save(answer);
  }

  /**
   * Logs in now (single-flight: concurrent calls share one `wx.login` and one request).
   * @returns {Promise<{token: string, expiresAt: number, user: object}>}
   */
  function login() {
    if (!loginInFlight) {
      loginInFlight = performLogin().finally(() => {
        loginInFlight = null;
      });
    }
    return loginInFlight;
  }

  /** Whether WeChat's session is still valid: asked once per launch, shared by concurrent callers. */
  function checkSession() {
    if (sessionChecked) return Promise.resolve(true);
    if (!sessionCheck) {
      sessionCheck = call(wx, 'checkSession', {})
        .then(
          () => {
            sessionChecked = true;
            return true;
          },
          () => false
        )
        .finally(() => {
          sessionCheck = null;
        });
    }
    return sessionCheck;
  }

  /**
   * A token to use: the stored one while it is fresh and WeChat's session is valid, otherwise a
   * new login's.
   * @returns {Promise<string>}
   */
  async function ensureToken() {
    const entry = stored();
    if (entry && entry.expiresAt - EXPIRY_MARGIN_MS > now() && (await checkSession())) {
      return entry.token;
    }
    if (loginInFlight) return (await loginInFlight).token;
    forget();
    return (await login()).token;
  }

  /**
   * `wx.request` with the login token: logs in first when needed, and once more (then retries
   * once) when the server answers 401.
   * @param {{url: string, method?: string, data?: any, header?: object, timeout?: number}} request
   *   `url` is relative to `baseURL` unless absolute
   * @returns {Promise<{statusCode: number, data: any, header: object}>} the answer, whatever its status
   */
  async function request(request) {
    const withToken = (token) =>
      Object.assign({}, request, { header: Object.assign({}, request.header, { authorization: `Bearer ${token}` }) });
    const token = await ensureToken();
    const response = await send(withToken(token));
    if (response.statusCode !== 401) return response;
    const current = stored();
    let fresh;
    if (current && current.token !== token) {
      fresh = current.token; // another request logged in meanwhile
    } else if (loginInFlight) {
      fresh = (await loginInFlight).token;
    } else {
      forget();
      fresh = (await login()).token;
    }
    return send(withToken(fresh));
  }

  /** Ends the session on the server (best effort) and forgets the token. */
  async function logout() {
    const entry = stored();
    forget();
    sessionChecked = false;
    if (!entry) return;
    try {
      await send({ url: logoutPath, method: 'POST', header: { authorization: `Bearer ${entry.token}` } });
    } catch (error) {
      /* the token expires by itself */
    }
  }

  return {
    login,
    logout,
    request,
    ensureToken,
    /** The stored user of the last login, or null. */
    currentUser: () => (stored() || {}).user || null,
    /** Calls `listener(user)` after every login. Returns a function that removes it. */
    onLogin(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

module.exports = { createAuth, AuthError };
