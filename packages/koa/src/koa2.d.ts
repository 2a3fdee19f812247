// Test-only: Koa 2 is installed under the alias `koa2` (to run every test on both majors) and
// ships no types. The parts the tests use are the same as Koa 3's.
declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}
