// A strict TypeScript consumer of @cors/doctor: the verdicts are typed.
import { checkCors, type CorsCheck, type FetchOutcome, type PolicyCheck } from '@cors/doctor';

export async function readable(url: string): Promise<boolean> {
  const result: CorsCheck = await checkCors(url, {
    origin: 'https://app.example.com',
    method: 'PUT',
    credentials: true,
  });
  const outcome: FetchOutcome = result.outcome;
  return outcome === 'readable' && result.steps.every((step) => step.fix === null);
}

export async function matchesPolicy(url: string): Promise<PolicyCheck['rows']> {
  const result = await checkCors(url, {
    policy: { origin: ['https://app.example.com'], maxAge: 600 },
  });
  return result.rows.filter((row) => !row.ok);
}
