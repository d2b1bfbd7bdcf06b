/** The keys of the sim report BRIEF §5 fixes, written out from the brief (not from the code), for the tests that check them. */
export const REPORT_KEYS = ['scenario', 'simTimeS', 'wallTimeS', 'realTimeFactor', 'robots', 'faults', 'eventsLost'];

/** The keys of each robot's entry in the sim report (BRIEF §5), as far as the simulator produces them. */
export const ROBOT_REPORT_KEYS = [
  'id',
  'goalReached',
  'goalReachedAtS',
  'missionState',
  'distanceM',
  'collisions',
  'collisionEvents',
  'minClearanceM',
  'minClearanceAtS',
  'geofenceBreachMaxM',
  'energyRemainingWh',
  'reflexTrips',
];
