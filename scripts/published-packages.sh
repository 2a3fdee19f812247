# The packages we publish, in dependency order. Sourced by the other scripts.
PUBLISHED_PACKAGES=(core node koa hono nestjs fastify fetch doctor)
