import { SetMetadata } from '@nestjs/common';
import { Role } from './role';

export const REQUIRED_ROLE = 'aircall-sync:required-role';

/**
 * The role a resolver (or a whole resolver class) needs. Without it queries need READER and
 * mutations ADMIN (see RolesGuard).
 */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);
