{#- Freshdesk writes each daily file's window as the account's local day in UTC, so a window
    that does not start at local midnight in `account_time_zone` means that var names the
    wrong zone (the daily summary's days would then straddle the exports). A warning: the
    rows name the files, earliest first. -#}
{{ config(severity='warn') }}

with

loads as (

    select * from {{ ref('stg_raw__loads') }}

),

misaligned as (

    select
        file_name,
        metadata_start_at
    from loads
    where
        is_current_load
        and metadata_start_at is not null
        and metadata_start_at <> {{ local_midnight_utc(local_date('metadata_start_at')) }}

)

select * from misaligned
order by metadata_start_at, file_name
