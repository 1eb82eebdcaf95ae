import { openApiDocument } from "@/lib/td-api/openapi";

/** GET /v3/openapi.json — public: it describes the API, it grants nothing. */
export function GET(): Response {
  return Response.json(openApiDocument(), { headers: { "cache-control": "public, max-age=300" } });
}
