module.exports = require("./lazy-module")("@npmcli/arborist");
