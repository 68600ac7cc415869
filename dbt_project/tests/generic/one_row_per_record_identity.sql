{#- Fails on every landed record identity (ticket, `record_hash`, `occurrence`) the model keeps
    more than once. The model names its rows' landed records by `load_id`, `position`;
    `records` is the landed records with their identities (staging). -#}
{% test one_row_per_record_identity(model, records) %}

select
    records.ticket_id,
    records.record_hash,
    records.occurrence,
    count(*) as occurrences
-- `model` may be a scoped subquery with its own alias (get_where_subquery): selected from
from (select load_id, position from {{ model }}) as kept
inner join {{ records }} as records
    on
        kept.load_id = records.load_id
        and kept.position = records.position
group by records.ticket_id, records.record_hash, records.occurrence
having count(*) > 1

{% endtest %}
