// MiniWebWxLogin: WeChat Mini Program login for MiniWeb applications.
//
// The WeChat API client, the open-data crypto and the login and auth middleware arrive with the
// issues that build them; this module exists now so that the package layout is final.
import MiniWeb
