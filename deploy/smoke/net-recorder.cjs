// Preloaded with NODE_OPTIONS=--require by install-offline.sh: appends every outbound TCP connection
// and DNS lookup of this Node process (npm itself and every install script) to $NET_RECORD.
const fs = require('node:fs');
const net = require('node:net');
const dns = require('node:dns');

const record = (what) => {
  const who = process.env.npm_package_name ? `${process.env.npm_package_name} ${process.env.npm_lifecycle_event ?? ''}` : 'npm';
  fs.appendFileSync(process.env.NET_RECORD, `${who.trim()}\t${what}\n`);
};
const lookup = dns.lookup;
dns.lookup = function (host, ...rest) {
  record(`dns ${host}`);
  return lookup.call(this, host, ...rest);
};
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const options = Array.isArray(args[0]) ? args[0][0] : typeof args[0] === 'object' && args[0] !== null ? args[0] : { port: args[0], host: args[1] };
  if (options && options.port !== undefined && !options.path) record(`connect ${options.host ?? 'localhost'}:${options.port}`);
  return connect.apply(this, args);
};
