import { registrationRoutes } from '@/lib/api/registration-routes';
import { callbackRegistration } from '@/lib/registrations/callbacks';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const { GET, POST } = registrationRoutes(callbackRegistration).list;
