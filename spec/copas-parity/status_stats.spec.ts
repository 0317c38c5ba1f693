import { expectParity } from './harness';
import main from './ports/status_stats';

const why = 'status(true) also returns the rows `tasks` and `resources` (docs/porting.md, copas.status)';

it("copas.status(enable_stats) reports Copas' statistics, and counts a blocked writer under write (lua/status_stats.lua)", async () => {
  await expectParity('status_stats', main, {
    differences: [{
      lua: 'status(true)\tactive inactive read running timeout timer write',
      ts: 'status(true)\tactive inactive read resources running tasks timeout timer write',
      why,
    }, {
      lua: 'with true again\tactive duration_avg duration_max duration_max_ever duration_min duration_min_ever duration_tot inactive read running steps time_avg time_end time_start time_tot timeout timer write',
      ts: 'with true again\tactive duration_avg duration_max duration_max_ever duration_min duration_min_ever duration_tot inactive read resources running steps tasks time_avg time_end time_start time_tot timeout timer write',
      why,
    }],
  });
});
