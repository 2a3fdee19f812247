import { createApp } from './app.js';

const port = Number(process.env.PORT ?? 3009);
const list = (value: string): string[] => value.split(',').map((origin) => origin.trim());
// Allowed today, e.g. CORS_ORIGINS=https://app.example.com,https://old.example.com
const origins = list(process.env.CORS_ORIGINS ?? 'https://app.example.com,https://old.example.com');
// The tightened list being tried, e.g. CORS_CANDIDATE_ORIGINS=https://app.example.com
const candidateOrigins = list(process.env.CORS_CANDIDATE_ORIGINS ?? 'https://app.example.com');

createApp({ origins, candidateOrigins }).app.listen(port, () => {
  console.log(`example-metrics listening on http://localhost:${port}`);
  console.log(
    `allowed origins: ${origins.join(', ')}; tried in report mode: ${candidateOrigins.join(', ')}`,
  );
  console.log(`Prometheus: http://localhost:${port}/metrics`);
});
