// Bundle-only stand-in for the `form-data` package that axios requires at load time. Smoke
// checks never send multipart bodies, and the real package drags in mime-db (~130 KB minified)
// that every cold start would parse. Node's built-in FormData keeps axios' type checks working.
module.exports = globalThis.FormData;
