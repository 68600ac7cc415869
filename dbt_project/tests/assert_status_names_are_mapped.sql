{{ config(severity='warn') }}

-- Status names missing from the ticketflow_status_names seed: kept and counted in category
-- `other` (seconds_other), never dropped. Add them to the seed to classify them.
select
    status,
    count(*) as activity_count
from {{ ref('int_activities_classified') }}
where status_category = 'other'
group by status
