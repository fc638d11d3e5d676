/** The folder to put in KERNO_DATA_DIR, or undefined to leave the library's default. */
export function checkoutDataDir(env?: Record<string, string | undefined>): string | undefined;
