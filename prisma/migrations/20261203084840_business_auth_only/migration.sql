-- Business Authentication only: Kakao Moment refuses Kakao Login tokens (401 "target biz token is
-- not supplied."), so an authentication made with Kakao Login can never export. Such rows are
-- marked "reconnect needed" (Reconnect replaces the token with a business one, in place), and the
-- refresh-token columns only Kakao Login used are dropped.
UPDATE "authentications"
SET "status" = 'reconnect_needed',
    "status_reason" = 'made with Kakao Login, whose tokens Kakao Moment refuses: reconnect with Business Authentication'
WHERE "flow" = 'login';
DELETE FROM "pending_authentications" WHERE "flow" = 'login';

-- AlterTable
ALTER TABLE "authentications" DROP COLUMN "access_token_expires_at",
DROP COLUMN "refresh_token_expires_at",
DROP COLUMN "refresh_token_sealed";

-- AlterTable
ALTER TABLE "oauth_states" ALTER COLUMN "code_verifier_sealed" DROP NOT NULL,
ADD COLUMN "kakao_error_code" TEXT,
ADD COLUMN "kakao_error_description" TEXT;

-- AlterTable
ALTER TABLE "pending_authentications" DROP COLUMN "access_token_expires_at",
DROP COLUMN "refresh_token_expires_at",
DROP COLUMN "refresh_token_sealed";

