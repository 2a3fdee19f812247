// Express 4 is installed as `express4` for the tests, without types of its own. The parts the
// tests use (`express()`, `use`, `get`, `options`, `res.send`, `res.vary`, `res.set`) have the
// same shape in @types/express 5.
declare module 'express4' {
  import express from 'express';
  export default express;
}
