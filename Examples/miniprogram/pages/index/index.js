'use strict';
const config = require('../../config');

/** A user-facing sentence for a failed call: the server's message, else a generic one. */
function describe(errorOrResponse) {
  if (errorOrResponse && errorOrResponse.data && errorOrResponse.data.msg) return errorOrResponse.data.msg;
  if (errorOrResponse && errorOrResponse.message) return errorOrResponse.message;
  return 'Something went wrong; please try again.';
}

Page({
  data: {
    loading: true,
    user: null,
    error: '',
    // The profile the user is editing: WeChat no longer gives new mini programs the nickname
    // and avatar through getUserInfo, so the user picks them (chooseAvatar, nickname input).
    draftNickName: '',
    draftAvatar: '',
    saving: false,
    phoneNumber: '',
  },

  onLoad() {
    return this.refresh();
  },

  onPullDownRefresh() {
    return this.refresh().then(() => wx.stopPullDownRefresh());
  },

  /** Loads the logged-in user (logging in first when needed). */
  async refresh() {
    this.setData({ loading: true, error: '' });
    try {
      const response = await getApp().auth.request({ url: '/user/me' });
      if (response.statusCode === 200) {
        const user = response.data.userinfo;
        this.setData({ loading: false, user, phoneNumber: user.phoneNumber || '', draftNickName: user.nickName || '' });
      } else {
        this.setData({ loading: false, error: describe(response) });
      }
    } catch (error) {
      this.setData({ loading: false, error: describe(error) });
    }
  },

  /** `<button open-type="chooseAvatar">`: a temporary file of the picture the user chose. */
  onChooseAvatar(event) {
    this.setData({ draftAvatar: event.detail.avatarUrl });
  },

  /** `<input type="nickname">`: WeChat checks the text's safety when the input loses focus. */
  onNickNameInput(event) {
    this.setData({ draftNickName: event.detail.value });
  },

  /**
   * Saves the nickname and, when an upload URL is configured, the avatar: the chosen picture is a
   * temporary local file that must go to your own storage first (wx.uploadFile), whose answer
   * is the picture's https URL.
   */
  async onSaveProfile() {
    const update = {};
    const nickName = (this.data.draftNickName || '').trim();
    if (nickName && (!this.data.user || nickName !== this.data.user.nickName)) update.nickName = nickName;
    this.setData({ saving: true, error: '' });
    try {
      if (this.data.draftAvatar && config.avatarUploadURL) {
        update.avatarUrl = await this.uploadAvatar(this.data.draftAvatar);
      }
      if (Object.keys(update).length === 0) {
        this.setData({ saving: false });
        return;
      }
      const response = await getApp().auth.request({
        url: '/user/profile',
        method: 'POST',
        data: update,
        header: { 'content-type': 'application/json' },
      });
      if (response.statusCode === 200) {
        this.setData({ saving: false, user: response.data.userinfo, draftAvatar: '' });
      } else {
        this.setData({ saving: false, error: describe(response) });
      }
    } catch (error) {
      this.setData({ saving: false, error: describe(error) });
    }
  },

  uploadAvatar(filePath) {
    return new Promise((resolve, reject) => {
      wx.uploadFile({
        url: config.avatarUploadURL,
        filePath,
        name: 'avatar',
        success: (result) => {
          try {
            resolve(JSON.parse(result.data).url);
          } catch (error) {
            reject(new Error('The avatar upload did not answer with {"url"}.'));
          }
        },
        fail: (error) => reject(new Error(`The avatar upload failed: ${error.errMsg}`)),
      });
    });
  },

  /**
   * `<button open-type="getPhoneNumber">`: with base library 2.21.2 or newer, `detail.code` is
   * exchanged by the server (getuserphonenumber); older ones give `encryptedData` + `iv`, which
   * the server decrypts with the session_key of the last login. A user who declines gets
   * neither.
   */
  async onGetPhoneNumber(event) {
    const detail = event.detail || {};
    let data;
    if (detail.code) data = { code: detail.code };
    else if (detail.encryptedData && detail.iv) data = { encryptedData: detail.encryptedData, iv: detail.iv };
    else {
      this.setData({ error: 'The phone number was not shared.' });
      return;
    }
    try {
      const response = await getApp().auth.request({
        url: '/user/phone',
        method: 'POST',
        data,
        header: { 'content-type': 'application/json' },
      });
      if (response.statusCode === 200) {
        this.setData({ phoneNumber: response.data.phoneInfo.phoneNumber, error: '' });
      } else {
        this.setData({ error: describe(response) });
      }
    } catch (error) {
      this.setData({ error: describe(error) });
    }
  },

  async onLogout() {
    await getApp().auth.logout();
    this.setData({ user: null, phoneNumber: '', draftNickName: '', draftAvatar: '' });
  },

  onLogin() {
    return this.refresh();
  },
});
