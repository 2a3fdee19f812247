import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { AllowOrigin, CorsModule } from '@cors/nestjs';
import {
  Controller,
  Delete,
  Get,
  Injectable,
  Module,
  Param,
  UnauthorizedException,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';

const port = Number(process.env.PORT ?? 3005);
const platform = process.argv.includes('--fastify') ? 'fastify' : 'express'; // pnpm start:fastify
// The admin front ends that may call /admin with cookies, e.g. ADMIN_ORIGINS=https://admin.example.com
const adminOrigins = (
  process.env.ADMIN_ORIGINS ?? 'https://admin.example.com,http://localhost:5173'
)
  .split(',')
  .map((origin) => origin.trim());

/** Rejects requests without a session cookie. Preflights never reach it. */
@Injectable()
class SessionGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { headers } = context.switchToHttp().getRequest<{ headers: { cookie?: string } }>();
    if (!headers.cookie?.includes('session=')) throw new UnauthorizedException('log in first');
    return true;
  }
}

// Public data: anyone may read it, no cookies.
@AllowOrigin('*')
@Controller('status')
class StatusController {
  @Get()
  status() {
    return { ok: true };
  }
}

// The admin API: an allowlist with credentials, behind the session guard.
@AllowOrigin(adminOrigins, { credentials: true, allowedHeaders: ['content-type'], maxAge: 600 })
@UseGuards(SessionGuard)
@Controller('admin/users')
class AdminUsersController {
  @Delete(':id')
  remove(@Param('id') id: string) {
    return { deleted: id };
  }
}

// No decorator: the module defaults (the public site).
@Controller('products')
class ProductsController {
  @Get()
  list() {
    return [{ id: 1, name: 'pen' }];
  }
}

@Module({
  imports: [
    CorsModule.forRoot({
      origin: 'https://www.example.com',
      exposedHeaders: ['x-request-id'],
      debug: true, // logs why a request was refused, and the fix
    }),
  ],
  controllers: [StatusController, AdminUsersController, ProductsController],
})
class AppModule {}

const adapter = platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
const app = await NestFactory.create(AppModule, adapter, { logger: ['error', 'warn'] });
app.use((_req: unknown, res: ServerResponse, next: () => void) => {
  res.setHeader('X-Request-Id', randomUUID());
  next();
});
await app.listen(port, '127.0.0.1');
console.log(`example-nestjs (${platform}) listening on http://localhost:${port}`);
console.log(`allowed admin origins: ${adminOrigins.join(', ')}`);
