import { allRows, configErrorRows, ROUTE_BODY, sendRow } from '@cors/conformance';
import { All, Controller } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { AllowOrigin, CorsConfigError, CorsModule } from './index.js';
import { platforms, startServer, startupError } from './test-app.js';

// `@AllowOrigin()` without arguments takes the module defaults as they are, so every row's
// options become this route's policy (undecorated routes only get defaults that name an origin).
@AllowOrigin()
@Controller()
class CatchAllController {
  @All('*')
  route(): string {
    return ROUTE_BODY;
  }
}

describe.each(platforms)('conformance rows over HTTP on %s', (platform) => {
  it.each(allRows)('$name', async (row) => {
    const server = await startServer(platform, {
      imports: [CorsModule.forRoot(row.options)],
      controllers: [CatchAllController],
    });
    try {
      expect(await sendRow(server.url, row.request)).toEqual(row.expected);
    } finally {
      await server.close();
    }
  });

  it.each(configErrorRows)('refuses to start with $name', async (row) => {
    const error = await startupError(() =>
      startServer(platform, {
        imports: [CorsModule.forRoot(row.options as never)],
        controllers: [CatchAllController],
      }),
    );
    expect(error).toBeInstanceOf(CorsConfigError);
    const configError = error as CorsConfigError;
    expect(configError.issues[0]?.option).toBe(row.expected.option);
    for (const text of row.expected.mentions) expect(configError.message).toContain(text);
  });
});
