'use strict';
/**
 * Where the app server is. In the WeChat developer tools, tick "不校验合法域名" (do not check
 * domain names) to use a local SampleApp over http; a published mini program needs an https
 * domain listed under 开发管理 → 服务器域名 → request合法域名.
 */
module.exports = {
  baseURL: 'http://127.0.0.1:8080',
  /**
   * Where the page uploads the picture from chooseAvatar (wx.uploadFile, field `avatar`); the
   * answer must be `{"url": "https://..."}`, which is then saved with POST /user/profile.
   * Empty: the chosen picture is shown but not saved (SampleApp stores no files).
   */
  avatarUploadURL: '',
};
