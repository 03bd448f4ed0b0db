import 'server-only';
import { serverEnv } from '@/lib/env';

/** Every bound the intake enforces; tests pass small ones instead of allocating 25 MB. */
export type PressLimits = {
  maxBodyBytes: number;
  maxFileBytes: number;
  maxFiles: number;
  maxImagePixels: number;
  maxMessageChars: number;
};

export function pressLimitsFromEnv(): PressLimits {
  const env = serverEnv();
  return {
    maxBodyBytes: env.PRESS_MAX_BODY_BYTES,
    maxFileBytes: env.PRESS_MAX_FILE_BYTES,
    maxFiles: env.PRESS_MAX_FILES,
    maxImagePixels: env.PRESS_MAX_IMAGE_PIXELS,
    maxMessageChars: env.PRESS_MAX_MESSAGE_CHARS,
  };
}
