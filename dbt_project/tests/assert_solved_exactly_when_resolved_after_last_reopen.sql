-- A ticket is solved (its current status category is resolved or closed) exactly when its
-- last resolution comes after its last reopen, taken from the interval flags: a solved
-- ticket whose last reopen was never followed by a resolution, or an unsolved one whose
-- last resolution was never reopened, means the resolution and reopen flags disagree with
-- the current status. Returns those tickets.
with

ticket_metrics as (

    select * from {{ ref('fct_ticket_metrics') }}

),

status_intervals as (

    select * from {{ ref('fct_ticket_status_intervals') }}

),

solved_flags as (

    select
        ticket_id,
        max(case when is_resolution then interval_sequence end) as last_resolution_sequence,
        max(case when is_reopen then interval_sequence end) as last_reopen_sequence
    from status_intervals
    group by ticket_id

)

select
    ticket_metrics.ticket_id,
    ticket_metrics.is_resolved,
    solved_flags.last_resolution_sequence,
    solved_flags.last_reopen_sequence
from ticket_metrics
left join solved_flags
    on ticket_metrics.ticket_id = solved_flags.ticket_id
where
    ticket_metrics.is_resolved
    <> (
        coalesce(solved_flags.last_resolution_sequence, 0)
        > coalesce(solved_flags.last_reopen_sequence, 0)
    )
