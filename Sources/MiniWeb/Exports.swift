// `ByteBuffer` is the body type of requests and responses: re-exported so that an app needs only
// `import MiniWeb`.
@_exported import struct NIOCore.ByteBuffer
