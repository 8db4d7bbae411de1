// The SDK warns once per process under Node 20 that its 2027 releases need Node 22: noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
