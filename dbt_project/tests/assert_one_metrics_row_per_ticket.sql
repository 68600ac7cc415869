-- Every ticket has exactly one metrics row, and every metrics row a ticket.
with

tickets as (

    select ticket_id from {{ ref('dim_tickets') }}

),

metrics as (

    select
        ticket_id,
        count(*) as metric_rows
    from {{ ref('fct_ticket_metrics') }}
    group by ticket_id

)

select
    coalesce(tickets.ticket_id, metrics.ticket_id) as ticket_id,
    coalesce(metrics.metric_rows, 0) as metric_rows
from tickets
full outer join metrics
    on tickets.ticket_id = metrics.ticket_id
where
    tickets.ticket_id is null
    or metrics.ticket_id is null
    or metrics.metric_rows <> 1
