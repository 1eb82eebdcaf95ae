-- CreateEnum
CREATE TYPE "KakaoAuthFlow" AS ENUM ('business', 'login');

-- CreateEnum
CREATE TYPE "AuthenticationStatus" AS ENUM ('healthy', 'reconnect_needed');

-- CreateTable
CREATE TABLE "authentications" (
    "id" SERIAL NOT NULL,
    "owner_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "flow" "KakaoAuthFlow" NOT NULL,
    "kakao_user_id" TEXT,
    "kakao_account_email" TEXT,
    "ad_accounts" JSONB NOT NULL DEFAULT '[]',
    "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "status" "AuthenticationStatus" NOT NULL DEFAULT 'healthy',
    "status_reason" TEXT,
    "access_token_sealed" TEXT NOT NULL,
    "refresh_token_sealed" TEXT,
    "access_token_expires_at" TIMESTAMP(3),
    "refresh_token_expires_at" TIMESTAMP(3),
    "token_version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "last_used_at" TIMESTAMP(3),

    CONSTRAINT "authentications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "oauth_states" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "browser_binding" TEXT NOT NULL,
    "flow" "KakaoAuthFlow" NOT NULL,
    "code_verifier_sealed" TEXT NOT NULL,
    "reconnect_id" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "consumed_at" TIMESTAMP(3),

    CONSTRAINT "oauth_states_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pending_authentications" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "flow" "KakaoAuthFlow" NOT NULL,
    "reconnect_id" INTEGER,
    "kakao_user_id" TEXT,
    "kakao_account_email" TEXT,
    "ad_accounts" JSONB NOT NULL DEFAULT '[]',
    "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "access_token_sealed" TEXT NOT NULL,
    "refresh_token_sealed" TEXT,
    "access_token_expires_at" TIMESTAMP(3),
    "refresh_token_expires_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "pending_authentications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "authentications_owner_id_name_key" ON "authentications"("owner_id", "name");

-- CreateIndex
CREATE INDEX "oauth_states_expires_at_idx" ON "oauth_states"("expires_at");

-- CreateIndex
CREATE INDEX "pending_authentications_user_id_idx" ON "pending_authentications"("user_id");

-- AddForeignKey
ALTER TABLE "authentications" ADD CONSTRAINT "authentications_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

