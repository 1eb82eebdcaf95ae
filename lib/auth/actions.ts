"use server";
import { AuthError } from "next-auth";
import { signIn, signOut } from "@/lib/auth/config";

export type SignInState = { error?: "invalid" | "throttled" | "failed"; email?: string };

export async function signInAction(_previous: SignInState, form: FormData): Promise<SignInState> {
  const email = String(form.get("email") ?? "");
  try {
    await signIn("credentials", { email, password: String(form.get("password") ?? ""), redirectTo: "/" });
    return {};
  } catch (error) {
    // A successful sign-in "throws" Next's redirect, which must propagate.
    if (error instanceof AuthError) {
      if (error.type === "CredentialsSignin") return { email, error: (error as AuthError & { code?: string }).code === "throttled" ? "throttled" : "invalid" };
      return { email, error: "failed" };
    }
    throw error;
  }
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/sign-in" });
}
