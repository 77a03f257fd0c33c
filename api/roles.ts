import { z } from 'zod';
import type { StaffRole } from '../schemas';

/**
 * The API's roles, coarser than the clinical staff roles: what a token may do at the HTTP edge.
 * The care rules still check the clinical role of the actor (e.g. who may approve a proposal).
 */
export const apiRoleSchema = z.enum(['coordinator', 'clinician', 'viewer']);
export type ApiRole = z.infer<typeof apiRoleSchema>;

/** The clinical role a token acts as when its entry names none. */
export const defaultStaffRole: Readonly<Record<ApiRole, StaffRole>> = {
  coordinator: 'care-coordinator',
  clinician: 'primary-counsellor',
  viewer: 'case-manager',
};

/**
 * Who may call what: every role reads; clinicians decide proposals; coordinators do everything. Which
 * events each role may record is the permission table (schemas/event-permissions.ts).
 */
export const readers: readonly ApiRole[] = ['coordinator', 'clinician', 'viewer'];
export const proposalDeciders: readonly ApiRole[] = ['coordinator', 'clinician'];
export const coordinators: readonly ApiRole[] = ['coordinator'];
