import { registrationRoutes } from '@/lib/api/registration-routes';
import { podRegistration } from '@/lib/registrations/pod';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const { GET, POST } = registrationRoutes(podRegistration).list;
