'use strict'
// The compiled Rust core: a local `aura-auth.node` build if there is one, else this platform's prebuilt package
// (see native-loader.js for the order and the errors).
module.exports = require('./native-loader.js').loadNative()
