'use strict';
const { createAuth } = require('./utils/auth');
const config = require('./config');

App({
  /** The login client every page uses: `getApp().auth.request({ url: '/user/me' })`. */
  auth: createAuth({ baseURL: config.baseURL }),

  onLaunch() {
    // Log in (or confirm the stored login with wx.checkSession) before the first page asks.
    this.ready = this.auth.ensureToken().catch((error) => {
      console.warn('login failed', error.code, error.message);
    });
  },
});
