// A second MQTT broker implementation for the interoperability tests:
// aedes (from the npm registry) listening on 127.0.0.1:PORT. Prints
// "listening" once it accepts connections; SIGTERM stops it.
'use strict'
const aedes = require('aedes')()
const server = require('net').createServer(aedes.handle)
const port = Number(process.argv[2])
server.listen(port, '127.0.0.1', () => console.log('listening'))
process.on('SIGTERM', () => {
  server.close()
  aedes.close(() => process.exit(0))
})
