import packageJson from '@/package.json';

export const deskbellVersion: string = packageJson.version;
