import { createApiClient } from './client';
import { currentToken, endSession } from '../session';

/** The one API client of the app (stores use it directly; components also get it under API_KEY). */
export const api = createApiClient({
  getToken: () => currentToken(),
  // Any 401 on an authenticated call means the token is gone: back to the login form.
  onUnauthorized: () => endSession('expired'),
});
