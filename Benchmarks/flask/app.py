"""The classic Flask tutorial's mini program login endpoint, as a load-test peer for SampleApp.

The widely copied tutorial: POST /user/wxlogin with {"platCode", "platUserInfoMap": {"encryptedData",
"iv"}}; exchange the code at jscode2session with `requests`, decrypt with WeChat's WXBizDataCrypt
(pycryptodome AES-CBC), answer {"code": 200, "msg": "登录成功", "userinfo": ...}. It keeps no user
record (SampleApp also writes the user to SQLite and issues a token).

Run under gunicorn: WX_APP_ID=... WX_APP_SECRET=... WX_API_BASE_URL=http://127.0.0.1:PORT \
    gunicorn -w 4 -b 127.0.0.1:PORT app:app
"""
import base64
import json
import os

import requests
from Crypto.Cipher import AES
from flask import Flask, jsonify, request

APP_ID = os.environ.get("WX_APP_ID", "wx0000000000000dev")
APP_SECRET = os.environ["WX_APP_SECRET"]
API = os.environ.get("WX_API_BASE_URL", "https://api.weixin.qq.com")

app = Flask(__name__)
session = requests.Session()


class WXBizDataCrypt:
    """WeChat's official Python demo for decrypting open data."""

    def __init__(self, appId, sessionKey):
        self.appId = appId
        self.sessionKey = sessionKey

    def decrypt(self, encryptedData, iv):
        sessionKey = base64.b64decode(self.sessionKey)
        encryptedData = base64.b64decode(encryptedData)
        iv = base64.b64decode(iv)
        cipher = AES.new(sessionKey, AES.MODE_CBC, iv)
        decrypted = json.loads(self._unpad(cipher.decrypt(encryptedData)))
        if decrypted["watermark"]["appid"] != self.appId:
            raise Exception("Invalid Buffer")
        return decrypted

    def _unpad(self, s):
        return s[: -ord(s[len(s) - 1 :])]


@app.route("/user/wxlogin", methods=["POST"])
def wxlogin():
    data = request.get_json()
    code = data["platCode"]
    info = data["platUserInfoMap"]
    params = {"appid": APP_ID, "secret": APP_SECRET, "js_code": code, "grant_type": "authorization_code"}
    result = session.get(API + "/sns/jscode2session", params=params).json()
    if "session_key" not in result:
        return jsonify({"code": 400, "msg": "登录失败"}), 400
    pc = WXBizDataCrypt(APP_ID, result["session_key"])
    userinfo = pc.decrypt(info["encryptedData"], info["iv"])
    userinfo.pop("watermark", None)
    return jsonify({"code": 200, "msg": "登录成功", "userinfo": userinfo})
